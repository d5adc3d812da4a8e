"""What a user can do, as small keyword-only functions with typed results."""
