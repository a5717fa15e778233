"""Staff tools in the admin: review submissions and reports, curate collections, see stars.

Decisions go through the same services as the moderation queue page, so a note is
always required, the submitter always sees it, and every report change lands in its
audit trail. Collections change what visitors see, so their edits bump the content
version that cached pages key on.
"""

from . import collections, reports, submissions  # noqa: F401  (registers the models with the admin site)
