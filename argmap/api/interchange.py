"""Maps in and out through the API (issue 5): exports and imports. Mixed into
TopicViewSet, so each endpoint is an @action under /api/v1/topics/."""


class TopicInterchangeActions:
    """@actions of TopicViewSet that export and import maps."""
