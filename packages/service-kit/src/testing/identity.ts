/** The identity headers the gateway forwards after verifying a token (see @bounded/gateway). */
import { USER_ID_HEADER, USER_NAME_HEADER, USER_ROLES_HEADER } from '@bounded/gateway/identity';

export function asUser(name: string, ...roles: string[]): Record<string, string> {
  return {
    [USER_ID_HEADER]: name,
    [USER_NAME_HEADER]: name,
    [USER_ROLES_HEADER]: (roles.length > 0 ? roles : ['customer']).join(','),
  };
}

/** What the gateway sends for the bounded-admin client (client_credentials, role admin). */
export const ADMIN = asUser('bounded-admin', 'admin');
