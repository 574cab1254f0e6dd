"""Detectors that mark what a school's social media policy forbids. They never touch the database."""
