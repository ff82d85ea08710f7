"""The printable star certificate (星级党组织证书): a PDF made by WeasyPrint from an HTML template with the Noto CJK
fonts installed on the machine, in Chinese whoever prints it, with no outside resource (like orgs' 介绍信)."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from dangjian.core import audit

STAR = "★"


def certificate_pdf(award):
    from weasyprint import HTML  # imported on use: loading Pango costs time at startup

    with translation.override("zh-hans"):
        html = render_to_string("stars/certificate.html", {
            "award": award, "org": award.org, "stars_text": STAR * award.stars,
            "stars_words": "一二三四五"[award.stars - 1] + "星级"})
    return HTML(string=html, base_url=None).write_pdf()


def response(user, award):
    """The certificate of an award the user may see (the caller looked it up in scope); every print audited."""
    pdf = certificate_pdf(award)
    audit.record("stars.certificate.print", actor=user, obj=award)
    result = HttpResponse(pdf, content_type="application/pdf")
    result["Content-Disposition"] = f'inline; filename="star-certificate-{award.pk}.pdf"'
    return result
