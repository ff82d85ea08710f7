"""The 中国共产党党员组织关系介绍信 as a printable PDF (WeasyPrint, Noto CJK fonts from the system).

The page is an HTML template (orgs/transfer_letter.html) laid out for A4: the 存根 (stub kept by the sending
organization), a cut line, then the letter itself. No network access: the template loads no external resource.
"""

from django.template.loader import render_to_string
from django.utils import translation


def letter_pdf(context):
    from weasyprint import HTML  # imported on use: loading Pango costs time at startup

    with translation.override("zh-hans"):  # a 公文 form: its wording and code labels are Chinese whoever prints
        html = render_to_string("orgs/transfer_letter.html", context)
    return HTML(string=html, base_url=None).write_pdf()
