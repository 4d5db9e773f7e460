"""Entities: public structures (the recipients), their services, buyer members and the public
directory ("annuaire") with its bulk import.

Layer: beside ``suppliers``, above ``accounts``; imports only ``accounts`` and ``common``.
"""
