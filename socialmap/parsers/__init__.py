"""One parser per part of the seed's social map; each returns organisation records (see record.py)."""
