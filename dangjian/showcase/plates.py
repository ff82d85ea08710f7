"""The plate (挂牌) of a published model post as a printable A4 landscape PDF, rendered like the transfer letter
(orgs.letters): WeasyPrint with the system's Noto CJK fonts, no external resource, Chinese whoever prints."""

from django.template.loader import render_to_string
from django.utils import translation


def plate_pdf(post):
    from weasyprint import HTML  # imported on use: loading Pango costs time at startup

    with translation.override("zh-hans"):
        html = render_to_string("showcase/post_plate.html", {"post": post})
    return HTML(string=html, base_url=None).write_pdf()
