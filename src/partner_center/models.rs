//! Request and response bodies of the Partner Center API.
