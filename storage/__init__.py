"""The SQL store: tables, engine, migrations and the query functions around them."""
