"""The analysis of a topic's map through the API (issue 6): evaluation, coalitions, gaps.
Mixed into TopicViewSet, so each endpoint is an @action under /api/v1/topics/{slug}/."""


class TopicAnalysisActions:
    """@actions of TopicViewSet that serve argmap's analysis."""
