"""Tuoyu (托育): the platform that runs a city's childcare service system for children under three."""

from .celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
