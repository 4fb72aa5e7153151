import type { Person } from '../../storage/records.js';

/** The leaders linked to a branch (联系支部), in the order given; a link survives only while the person is a leader. */
export function leadersLinkedTo<P extends Pick<Person, 'role' | 'linkedBranchIds'>>(people: Iterable<P>, branchId: string | undefined): P[] {
  if (branchId === undefined) return [];
  return [...people].filter((p) => p.role === 'leader' && (p.linkedBranchIds ?? []).includes(branchId));
}
