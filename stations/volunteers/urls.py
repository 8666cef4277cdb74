"""/volunteer/…: signing in by code and 我的志愿服务 (included from portal/urls.py, in front of the
Wagtail page tree)."""

from django.urls import path

from stations.volunteers import rights_urls, views

app_name = "volunteers"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("signups/<int:pk>/cancel/", views.cancel_signup, name="cancel_signup"),
]
urlpatterns += rights_urls.urlpatterns
