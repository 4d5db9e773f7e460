"""The Chorus Pro API (PISTE-compatible): OAuth2 client credentials, technical accounts
(``cpro-account``), every ``/cpro/…`` endpoint, deposit flows, OpenAPI and the API guide.

Layer: top, beside ``compliance`` and ``helpcentre`` (neither imports the other); may import
``tracking`` and everything below it.
"""
