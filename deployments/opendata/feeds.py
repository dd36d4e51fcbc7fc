"""Atom feed of published records, newest change first, narrowed by the listing's filters.

An entry's <published> is when the record was first published and its <updated> when it last
changed, so a reader sees both new records and corrections. A feed is always newest first,
and the latest FEED_SIZE entries: the listing's `sort` is ignored, and `page` refused (400).
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from deployments.core import filters, querystrings
from deployments.explore import records
from deployments.opendata import api

FEED_SIZE = 50
# Atom's text constructs: each may say type="html", which a reader renders as markup.
TEXT_CONSTRUCTS = {"title", "subtitle", "summary", "content", "rights"}


class _TextOnly:
    """A feed writer that marks every text construct type="text"."""

    def __init__(self, handler):
        self.handler = handler

    def addQuickElement(self, name, contents=None, attrs=None):
        if name in TEXT_CONSTRUCTS:
            attrs = {**(attrs or {}), "type": "text"}
        self.handler.addQuickElement(name, contents, attrs)

    def __getattr__(self, name):
        return getattr(self.handler, name)


class TextAtom1Feed(Atom1Feed):
    """Atom with plain-text titles and summaries.

    Django writes each summary as type="html", so a record's summary would be markup in a feed
    reader: what a researcher typed, or an import brought in, could draw an image or a link
    there that the register's own pages show as text. As text, the serializer escapes it and
    the reader shows it as written.
    """

    def add_root_elements(self, handler):
        super().add_root_elements(_TextOnly(handler))

    def add_item_elements(self, handler, item):
        super().add_item_elements(_TextOnly(handler), item)


class DeploymentFeed(Feed):
    feed_type = TextAtom1Feed

    def get_object(self, request):
        # The view has checked the filter already; this only rebuilds it.
        self.query = querystrings.current(request.GET, drop=("page", "sort"))
        return filters.filtered(request.GET)

    def title(self, obj):
        return f"{settings.REGISTER_NAME}: published and updated deployments"

    def subtitle(self, obj):
        return "Deployments newly published or corrected in the register, newest first."

    def link(self, obj):
        return reverse("deployment_list") + (self.query if self.query != "?" else "")

    def feed_url(self, obj):
        return reverse("feed_deployments") + (self.query if self.query != "?" else "")

    def author_name(self):
        return settings.REGISTER_NAME

    def feed_copyright(self):
        return f"Data: {settings.DATA_LICENSE_TITLE} ({settings.DATA_LICENSE_URL})"

    def items(self, obj):
        newest = obj.qs.order_by("-updated", "-pk")
        return records.for_listing(newest)[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return [technology.name for technology in item.technologies.all()]


@require_safe
def deployments_feed(request):
    filterset, bad = api._filter_or_json_400(request)
    if bad:
        return bad
    return api._data_response(request, lambda: DeploymentFeed()(request))
