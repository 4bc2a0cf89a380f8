from django.conf import settings


def platform(request):
    return {"TUOYU_DEMO": settings.TUOYU_DEMO_ALLOWED}
