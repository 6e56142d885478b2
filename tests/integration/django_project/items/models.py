from __future__ import annotations

from django.db import models


class Item(models.Model):  # type: ignore[misc]  # Django is untyped here
    name = models.CharField(max_length=100)
