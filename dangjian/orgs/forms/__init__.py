"""Forms of the organization, people and transfer pages."""
