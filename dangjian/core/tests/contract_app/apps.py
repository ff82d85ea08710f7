from django.apps import AppConfig


class ContractAppConfig(AppConfig):
    name = "dangjian.core.tests.contract_app"
    label = "contract_app"
    verbose_name = "Contract test app"
