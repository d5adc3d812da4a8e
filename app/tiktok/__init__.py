"""The only package that knows TikTok Shop's wire format: signing, auth, client, models."""
