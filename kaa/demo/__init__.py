"""Synthetic demo data: a municipality, its staff and youths in every register stage.

Everything is invented: names from Faker sv_SE, personnummer with valid check digits, addresses on
made-up streets and phone numbers in the range PTS reserves for fiction.
"""
