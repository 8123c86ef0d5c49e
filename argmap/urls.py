"""The public, read-only site."""

from django.urls import path

from argmap import views

app_name = "argmap"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("topics/<slug:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="claim-detail"),
    path("stakeholders/<slug:slug>/", views.StakeholderDetailView.as_view(), name="stakeholder-detail"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source-detail"),
]
