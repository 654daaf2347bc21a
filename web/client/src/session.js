// The signed-in user, kept in localStorage so a phone that reloads between lessons stays signed in.
const KEY = 'mg.session';

let session = load();

function load() {
  try {
    const s = JSON.parse(localStorage.getItem(KEY) || 'null');
    return s && typeof s.token === 'string' ? s : null;
  } catch {
    return null;
  }
}

/** { token, expiresAt, role, scope, userId } or null when signed out or expired. */
export function current() {
  if (session && Date.parse(session.expiresAt) <= Date.now()) return null;
  return session;
}

const LAST_USER_KEY = 'mg.lastUser';

/** The last user, even after signing out or expiry: the outbox is kept per user. */
export const lastUserId = () => session?.userId ?? localStorage.getItem(LAST_USER_KEY);

export function signIn(userId, response) {
  session = { userId, token: response.accessToken, expiresAt: response.expiresAt, role: response.role, scope: response.scope };
  localStorage.setItem(KEY, JSON.stringify(session));
  localStorage.setItem(LAST_USER_KEY, userId);
  return session;
}

export function signOut() {
  session = null;
  localStorage.removeItem(KEY);
}

// ---- What each role may do (mirrors the server's rules; the server still checks every call) ----
const SUBMIT_ONLY = ['CommitteeMember', 'SafetyOfficer'];
export const canReadBoards = (role) => !SUBMIT_ONLY.includes(role);
export const canReadArchive = (role) => !SUBMIT_ONLY.includes(role) && role !== 'CityBureau';
export const seesIdentities = (role) => role !== 'CityBureau';
export const canAcknowledge = (role) =>
  ['HeadTeacher', 'Mentor', 'PsychTeacher', 'SchoolLead', 'DistrictCenter', 'Admin'].includes(role);
export const canResolve = (role) => ['PsychTeacher', 'SchoolLead', 'DistrictCenter'].includes(role);

/** Follow-up boards and mentoring lists name students: every board role but the city bureau. */
export const canReadCaseLists = (role) => canReadBoards(role) && seesIdentities(role);
/** Talks are held by mentors, head teachers and psychology teachers; the rest of a case is the support team's. */
export const canRecordCase = (role, kind) => (kind === 'Talk'
  ? ['Mentor', 'HeadTeacher', 'PsychTeacher'].includes(role)
  : ['PsychTeacher', 'SchoolLead', 'DistrictCenter'].includes(role));
export const canReadReports = (role) => ['PsychTeacher', 'SchoolLead', 'DistrictCenter', 'CityBureau', 'Admin'].includes(role);
/** What a role may import (docs/imports.md): rosters and staff are the Admin's, screening results also the psychology teacher's. */
export const importKinds = (role) => ({ Admin: ['Students', 'Staff', 'Screening'], PsychTeacher: ['Screening'] }[role] ?? []);
