"""Use cases. Each takes the container (store, forms, clock) and the acting user; none touches HTTP."""
