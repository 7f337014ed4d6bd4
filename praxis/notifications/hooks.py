"""The points where higher apps act when this one does (``core.hooks``)."""

from praxis.core.hooks import Hook

# The worker's digest round (and ``manage.py send_digests``) runs the periodic jobs of higher
# apps, which this app may not import: promises' invitations to tell what happened. Each
# receiver must be safe to run twice at once.
periodic_round: Hook[[]] = Hook("periodic_round")
