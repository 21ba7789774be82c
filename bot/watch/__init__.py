"""What analysts watch (people, aircraft, venues, sources) and how a typed name finds it."""
