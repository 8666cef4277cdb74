"""/volunteer/data/…: 我的数据 and the rights over it (rights_views.py), added to urls.py's
patterns under the same `volunteers` namespace."""

from django.urls import path

from stations.volunteers import rights_views

urlpatterns = [
    path("data/", rights_views.my_data, name="data"),
    path("data/confirm/", rights_views.fresh_code, name="data_confirm"),
    path("data/download/", rights_views.download, name="data_download"),
    path(
        "data/download/json/",
        rights_views.download_file,
        {"kind": "json"},
        name="data_download_json",
    ),
    path(
        "data/download/csv/", rights_views.download_file, {"kind": "csv"}, name="data_download_csv"
    ),
    path("data/name/", rights_views.correct_name, name="data_name"),
    path("data/withdraw/", rights_views.withdraw, name="data_withdraw"),
    path("data/delete/", rights_views.delete_account, name="data_delete"),
    path("data/deleted/", rights_views.deleted, name="data_deleted"),
]
