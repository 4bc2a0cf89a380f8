from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo city generator: writes through the same services as the sheet loaders."""

    name = "tuoyu.demo"
    label = "demo"
    verbose_name = _("演示城市")
