"""Demo and bulk data: they use every app, and no app uses them.

- ``story``: the demo company of ``manage.py seed_demo``, chapter by chapter (people,
  reference data, the orders' stories and their order, production and shipping steps);
- ``datagen``: the bulk generator of ``manage.py generate_data`` (millions of rows
  written with COPY, consistent with what the services would have made).
"""
