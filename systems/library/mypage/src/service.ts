/** MyPage: the member's reservations and rentals with their states, fed only by events. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { myPageRoutes } from './http.ts';
import { updateMyPagePolicies } from './policies/update-mypage.ts';
import { type MyPageTables, migrations } from './tables.ts';

export const myPageService: ServiceDefinition<MyPageTables> = {
  name: 'mypage',
  topic: TOPIC,
  migrations,
  setup(ctx) {
    myPageRoutes(ctx);
    ctx.policies(updateMyPagePolicies);
  },
};
