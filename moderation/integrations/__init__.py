"""Adapters that let other systems call the service in their own shapes (Perspective, Coral)."""
