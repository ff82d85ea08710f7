"""The completion certificate (结业证书) as a PDF: the same way as orgs' 介绍信 (WeasyPrint, Noto CJK fonts from the
system, a template that loads nothing from outside, Chinese whatever the UI language)."""

from django.template.loader import render_to_string
from django.utils import translation


def certificate_pdf(enrollment):
    from weasyprint import HTML  # imported on use: loading Pango costs time at startup

    klass = enrollment.training_class
    with translation.override("zh-hans"):
        html = render_to_string("training/certificate.html", {
            "enrollment": enrollment, "person": enrollment.person, "klass": klass, "organizer": klass.org,
            "number": f"培结〔{enrollment.completed_on.year}〕{enrollment.pk:06d}号",
        })
    return HTML(string=html, base_url=None).write_pdf()
