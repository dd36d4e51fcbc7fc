from django.conf import settings


def site(request):
    return {"REGISTER_NAME": settings.REGISTER_NAME}
