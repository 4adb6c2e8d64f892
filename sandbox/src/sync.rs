//! Locking that outlives a panicked handler: an emulator's state stays consistent enough after
//! one, and the sandbox must keep serving the rest of the test run.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a mutex, ignoring poisoning.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
