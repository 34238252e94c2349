"""Reports officials read: progress against targets, employment services, training needs."""
