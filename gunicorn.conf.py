"""gunicorn's configuration (read from the working directory by `make run`, or with `-c gunicorn.conf.py`).

The access log leaves out query strings and the Referer (security review, finding 13): a people search
(`/people/?q=张华明`) and every filter value stay out of the log files. It records the method, the path, the status,
the size, the time taken and the request id, which leads to the audit log entry of the request.
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%({x-request-id}o)s"'
