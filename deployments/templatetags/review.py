"""The admin home page's review queue: {% load review %}{% review_queue as queue %}."""

from django import template

from deployments.models import Revision

register = template.Library()

SHOWN = 10


@register.simple_tag(takes_context=True)
def review_queue(context) -> dict:
    """For an editor, the changes waiting and their number; for anyone, their own latest."""
    user = context["request"].user
    queue = {"may_review": user.has_perm("deployments.publish_deployment")}
    related = ("deployment", "author", "reviewer")
    if queue["may_review"]:
        pending = Revision.objects.pending().select_related(*related)
        queue["count"] = pending.count()
        queue["waiting"] = list(pending.order_by("created", "id")[:SHOWN])
    if user.has_perm("deployments.view_revision"):
        queue["mine"] = list(Revision.objects.filter(author=user).select_related(*related)[:SHOWN])
    return queue
