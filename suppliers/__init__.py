"""Suppliers: supplier structures (SIRET or another identifier), their bank accounts, members,
size categories and the obligation calendar (ordonnance 2014-697) that follows from them.

Layer: beside ``entities``, above ``accounts``; imports only ``accounts`` and ``common``.
"""
