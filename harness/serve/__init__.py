"""Serving traffic over HTTP to any SDK: the bounded server core (``http``), synthetic
answers (``synthetic``) and recorded answers (``cassettes``)."""
