"""/volunteer/…: signing in by code and 我的志愿服务 (included from portal/urls.py, in front of the
Wagtail page tree)."""

from django.urls import path

from stations.volunteers import certificate_views, record_views, rights_urls, timebank_views, views

app_name = "volunteers"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("signups/<int:pk>/cancel/", views.cancel_signup, name="cancel_signup"),
    path("records/", record_views.records_page, name="records"),
    path("records/<int:pk>/correction/", record_views.correction, name="record_correction"),
    path("honour/", record_views.honour_list, name="honour"),
]
urlpatterns += [
    path("certificates/", certificate_views.my_certificates, name="certificates"),
    path(
        "certificates/<int:pk>/pdf/",
        certificate_views.my_certificate_pdf,
        name="certificate_pdf",
    ),
]
# 我的积分 (时间银行): balance, history, exchanging, donating (timebank_views.py).
urlpatterns += [
    path("points/", timebank_views.points, name="points"),
    path("points/history/", timebank_views.points_history, name="points_history"),
    path("points/items/<int:pk>/", timebank_views.exchange_item, name="points_exchange"),
    path(
        "points/exchanges/<int:pk>/cancel/",
        timebank_views.cancel_exchange,
        name="points_cancel",
    ),
    path("points/donate/", timebank_views.donate, name="points_donate"),
]
urlpatterns += rights_urls.urlpatterns
