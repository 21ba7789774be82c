"""What every part of the bot stands on: settings, languages and grammar, logging, text
folding for matching, the shipped data files, strict numbers, progress lines."""
