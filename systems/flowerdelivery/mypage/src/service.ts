/** MyPage: the customer's view of every order and delivery status, fed only by events. */
import type { ServiceDefinition } from '@bounded/kernel';
import { TOPIC } from '../../system.ts';
import { myPageRoutes } from './http.ts';
import { updateMyPagePolicies } from './policies/update-my-page.ts';
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
