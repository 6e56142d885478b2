from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .models import Item


@csrf_exempt  # type: ignore[untyped-decorator]  # Django is untyped here
def item_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        item = Item.objects.create(name=json.loads(request.body)["name"])
        return JsonResponse({"id": item.id, "name": item.name}, status=201)
    items = [{"id": i.id, "name": i.name} for i in Item.objects.order_by("id")]
    response = JsonResponse(items, safe=False)
    response["X-Total-Count"] = str(len(items))
    return response


def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = Item.objects.filter(id=item_id).first()
    if item is None:
        return JsonResponse({"error": "not found"}, status=404)
    return JsonResponse({"id": item.id, "name": item.name})


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("this view always fails")


def page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<!doctype html><title>same-origin page</title>")
