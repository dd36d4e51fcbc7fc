from django.http import HttpResponse


def home(request):
    return HttpResponse("placeholder")


deployment_detail = organisation_detail = technology_detail = home
