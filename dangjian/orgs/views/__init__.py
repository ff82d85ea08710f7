"""Organization, people and transfer pages (one module each)."""
