"""Help centre: guides, FAQ (French full-text search) and support requests ("sollicitations").

Layer: top, beside ``cpro`` and ``compliance``; may import ``tracking`` and everything below.
"""
