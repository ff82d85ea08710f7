"""Code lists of the national member record."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    BACHELOR = "bachelor", _("Bachelor's degree")
    COLLEGE = "college", _("Junior college")
    SECONDARY = "secondary", _("Technical secondary school")
    HIGH_SCHOOL = "high_school", _("High school")
    JUNIOR = "junior", _("Junior high school or below")


class Category(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class Status(models.TextChoices):
    NORMAL = "normal", _("Normal")
    MOBILE = "mobile", _("Mobile")
    LOST = "lost", _("Lost contact")
    SUSPENDED = "suspended", _("Membership suspended")
    EXPELLED = "expelled", _("Left the party")
    DECEASED = "deceased", _("Deceased")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")


# Statuses in which a person still counts as a member of the organization.
Status.CURRENT = frozenset({Status.NORMAL, Status.MOBILE, Status.LOST})


class Title(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANIZATION = "organization", _("Organization committee member")
    PUBLICITY = "publicity", _("Publicity committee member")
    DISCIPLINE = "discipline", _("Discipline inspection committee member")
    MEMBER = "member", _("Committee member")
    MINISTER = "minister", _("Head of the organization department")
    DEPUTY_MINISTER = "deputy_minister", _("Deputy head of the organization department")


# GB/T 3304 ethnic group codes.
ETHNICITIES = [
    ("01", _("Han")), ("02", _("Mongol")), ("03", _("Hui")), ("04", _("Tibetan")), ("05", _("Uyghur")),
    ("06", _("Miao")), ("07", _("Yi")), ("08", _("Zhuang")), ("09", _("Buyei")), ("10", _("Korean")),
    ("11", _("Manchu")), ("12", _("Dong")), ("13", _("Yao")), ("14", _("Bai")), ("15", _("Tujia")),
    ("16", _("Hani")), ("17", _("Kazakh")), ("18", _("Dai")), ("19", _("Li")), ("20", _("Lisu")),
    ("21", _("Va")), ("22", _("She")), ("23", _("Gaoshan")), ("24", _("Lahu")), ("25", _("Shui")),
    ("26", _("Dongxiang")), ("27", _("Nakhi")), ("28", _("Jingpo")), ("29", _("Kyrgyz")), ("30", _("Tu")),
    ("31", _("Daur")), ("32", _("Mulao")), ("33", _("Qiang")), ("34", _("Blang")), ("35", _("Salar")),
    ("36", _("Maonan")), ("37", _("Gelao")), ("38", _("Xibe")), ("39", _("Achang")), ("40", _("Pumi")),
    ("41", _("Tajik")), ("42", _("Nu")), ("43", _("Uzbek")), ("44", _("Russian")), ("45", _("Evenki")),
    ("46", _("De'ang")), ("47", _("Bonan")), ("48", _("Yugur")), ("49", _("Gin")), ("50", _("Tatar")),
    ("51", _("Derung")), ("52", _("Oroqen")), ("53", _("Hezhen")), ("54", _("Monba")), ("55", _("Lhoba")),
    ("56", _("Jino")),
]
