"""Webhooks reach the laptop: the local receiver and the tunnel that exposes it."""
