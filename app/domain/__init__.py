"""Pure domain: no Flask, no storage. Everything here is plain data and functions."""
