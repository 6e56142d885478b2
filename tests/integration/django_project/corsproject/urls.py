from __future__ import annotations

from django.urls import path
from items import views  # type: ignore[import-not-found]  # on the path at run time

urlpatterns = [
    path("api/items/", views.item_list),
    path("api/items/<int:item_id>/", views.item_detail),
    path("api/fail/", views.fail),
    path("page/", views.page),
]
