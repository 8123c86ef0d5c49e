"""The public, read-only site."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path

from argmap import sharing, sitemaps, views
from argmap.replies import StanceReplyView

app_name = "argmap"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("topics/<slug:slug>/embed/", views.TopicEmbedView.as_view(), name="topic-embed"),
    path("topics/<slug:slug>/positions/<int:pk>/", views.PositionDetailView.as_view(), name="position-detail"),
    path("topics/<slug:slug>/positions/<int:pk>/embed/", views.PositionEmbedView.as_view(), name="position-embed"),
    path("topics/<slug:slug>/positions/<int:pk>/more/<int:start>/", views.TopicMoreView.as_view(), name="topic-more"),
    path(
        "topics/<slug:slug>/v/<int:number>/positions/<int:pk>/more/<int:start>/",
        views.TopicMoreView.as_view(),
        name="topic-version-more",
    ),
    path("topics/<slug:slug>/preview.png", sharing.TopicPreviewView.as_view(), name="topic-preview"),
    path("topics/<slug:slug>/analysis/", views.TopicAnalysisView.as_view(), name="topic-analysis"),
    path("topics/<slug:slug>/stakeholders/", views.TopicStakeholdersView.as_view(), name="topic-stakeholders"),
    path(
        "topics/<slug:slug>/stakeholders/page/<int:page>/",
        views.TopicStakeholdersView.as_view(),
        name="topic-stakeholders-page",
    ),
    path("topics/<slug:slug>/branches/<int:pk>/", views.TopicBranchView.as_view(), name="topic-branch"),
    path("topics/<slug:slug>/paths/<int:pk>/", views.TopicPathView.as_view(), name="topic-path"),
    path("topics/<slug:slug>/v/<int:number>/", views.TopicDetailView.as_view(), name="topic-version"),
    path(
        "topics/<slug:slug>/v/<int:number>/analysis/", views.TopicAnalysisView.as_view(), name="topic-version-analysis"
    ),
    path(
        "topics/<slug:slug>/v/<int:number>/branches/<int:pk>/",
        views.TopicBranchView.as_view(),
        name="topic-version-branch",
    ),
    path("topics/<slug:slug>/v/<int:number>/paths/<int:pk>/", views.TopicPathView.as_view(), name="topic-version-path"),
    path("topics/<slug:slug>/publications/", views.TopicPublicationsView.as_view(), name="topic-publications"),
    path("topics/<slug:slug>/corrections/", views.TopicCorrectionsView.as_view(), name="topic-corrections"),
    path("topics/<slug:slug>/diff/<int:old>/<int:new>/", views.PublicationDiffView.as_view(), name="topic-diff"),
    path("topics/<slug:slug>/feed/", views.TopicFeed(), name="topic-feed"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path("claims/<int:pk>/embed/", views.ClaimEmbedView.as_view(), name="claim-embed"),
    path("stakeholders/", views.StakeholderListView.as_view(), name="stakeholder-list"),
    path("stakeholders/<slug:slug>/", views.StakeholderDetailView.as_view(), name="stakeholder-detail"),
    path("stakeholders/<slug:slug>/stances/<int:pk>/reply/", StanceReplyView.as_view(), name="stance-reply"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source-detail"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", views.RecentChangesFeed(), name="feed"),
    path("oembed/", sharing.OEmbedView.as_view(), name="oembed"),
    path("sitemap.xml", sitemaps.index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap-section"),
]
