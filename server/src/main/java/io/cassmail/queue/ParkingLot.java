package io.cassmail.queue;

import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/** Jobs parked for an operator: listed without being taken, and moved back to their lane's queue on request. */
public interface ParkingLot {

    /** Every parked job, oldest first; nothing is taken off the parking queue. */
    List<ParkedJob> parked() throws IOException;

    /**
     * Moves the parked jobs that match back to the queue of the lane they came from (each confirmed before it
     * leaves); returns how many.
     */
    int requeue(Predicate<ParkedJob> which) throws IOException;
}
