"""Imports the controller modules so that they register their syncs (``runtime.controller``)
and full passes (``runtime.full_sync``)."""

from __future__ import annotations
